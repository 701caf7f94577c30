package dev.dmsflow.console;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The console's pages, plain HTML/CSS/JavaScript from the jar under {@code /console/}. Not Boot's {@code static/}
 * location: in the embedded runner every service shares the classpath and would serve them too.
 */
@Configuration
class ConsolePages implements WebMvcConfigurer {

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/console/**").addResourceLocations("classpath:/dev/dmsflow/console/web/");
    }

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/console/", "/console/runs.html");
    }
}
